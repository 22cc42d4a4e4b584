#!/usr/bin/env python3
"""An ERP playing against `kefu serve`, with Python's standard library only.

It reports facts about a customer (contract, file, order, a completed sale), pulls the specialist's worklist
until the after-sale callback (rule B3) is there, walks the callback's script run (S1) from the agent's screen,
and follows the event stream (server-sent events) from the start.

    python3 erp.py --url http://127.0.0.1:8080 --erp-token kefu_... --agent-token kefu_...

The agent's token must be that of the specialist the callback goes to (with one specialist, that one).
Exit code 0 when the whole walk worked; 1 with a message otherwise.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

DOCUMENTS = [
    "registration_form",
    "delivery_application",
    "business_licence",
    "guarantee_letter",
    "sales_contract",
    "safety_production_permit",
    "land_use_certificate",
    "invoicing_details",
]


class Problem(Exception):
    """An application/problem+json answer (RFC 9457)."""

    def __init__(self, status, body):
        super().__init__(f"{status} {body.get('type')}: {body.get('detail')}")
        self.status = status
        self.body = body


class Kefu:
    """A tiny client: JSON in and out, bearer token, an Idempotency-Key on every POST."""

    def __init__(self, url, token):
        self.url = url.rstrip("/")
        self.token = token

    def request(self, method, path, body=None, key=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Authorization", "Bearer " + self.token)
        if data is not None:
            req.add_header("Content-Type", "application/json")
            # A retry with the same key is answered as the first time and records nothing.
            req.add_header("Idempotency-Key", key or str(uuid.uuid4()))
        for attempt in range(5):
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    return json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                body = json.loads(e.read().decode("utf-8") or "{}")
                if e.code == 503 and attempt < 4:  # busy: retry with the same key
                    time.sleep(0.2)
                    continue
                raise Problem(e.code, body)
        raise RuntimeError("unreachable")

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body, key=None):
        return self.request("POST", path, body, key)

    def fact(self, customer, fact, key):
        return self.post(f"/v1/customers/{seg(customer)}/facts", fact, key)


def seg(identifier):
    """An id as one path segment: instance ids contain slashes."""
    return urllib.parse.quote(identifier, safe="")


def events(url, token, after):
    """The event stream as (position, machine, event) tuples, parsed from text/event-stream."""
    req = urllib.request.Request(f"{url}/v1/events/stream?after={after}")
    req.add_header("Authorization", "Bearer " + token)
    req.add_header("Accept", "text/event-stream")
    with urllib.request.urlopen(req, timeout=30) as resp:
        fields = {}
        for raw in resp:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if "data" in fields:
                    data = json.loads(fields["data"])
                    yield int(fields.get("id", 0)), fields.get("event"), data
                fields = {}
            elif not line.startswith(":") and ":" in line:
                name, value = line.split(":", 1)
                fields[name] = value[1:] if value.startswith(" ") else value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--erp-token", required=True)
    parser.add_argument("--agent-token", required=True)
    parser.add_argument("--customer", default="py-" + uuid.uuid4().hex[:8])
    args = parser.parse_args()

    erp = Kefu(args.url, args.erp_token)
    agent = Kefu(args.url, args.agent_token)
    customer = args.customer

    # 1. Facts: the contract, the file's documents, the file, the first order, then the sale is completed.
    erp.fact(customer, {"fact": "customer_details", "region": "east"}, f"{customer}/details")
    erp.fact(customer, {"fact": "contract_accepted", "contract": f"HT-{customer}"}, f"{customer}/contract")
    for document in DOCUMENTS:
        erp.fact(customer, {"fact": "document_received", "document": document}, f"{customer}/{document}")
    erp.fact(customer, {"fact": "file_created", "file_number": 1}, f"{customer}/file")
    order = erp.fact(customer, {"fact": "order_placed", "order": "SO-1"}, f"{customer}/order")
    again = erp.fact(customer, {"fact": "order_placed", "order": "SO-1"}, f"{customer}/order")
    if again != order:
        sys.exit(f"a retried fact was answered differently: {order} then {again}")
    sale = erp.fact(customer, {"fact": "sale_completed", "sale": "SO-1"}, f"{customer}/sale")
    callback = sale["instance"]
    print(f"facts recorded; the after-sale callback is {callback}")

    # 2. The worklist: the desk assigns the callback (rule B2) on its next beat.
    specialist = None
    for _ in range(100):
        view = erp.get(f"/v1/customers/{seg(customer)}")
        states = [c["state"] for c in view["callbacks"] if c["instance"] == callback]
        if states and states[0].get("specialist"):
            specialist = states[0]["specialist"]
            break
        time.sleep(0.1)
    if specialist is None:
        sys.exit("the callback was never assigned")
    worklist = agent.get(f"/v1/worklists/{seg(specialist)}")
    if callback not in [item["instance"] for item in worklist["items"]]:
        sys.exit(f"{callback} is not on {specialist}'s worklist: {worklist}")
    print(f"{callback} is on {specialist}'s worklist")

    # 3. The call, and the script run from the agent's screen, answering as a satisfied customer would.
    agent.post(f"/v1/callbacks/{seg(callback)}/commands", {"command": "attempt", "channel": "phone", "reached": True})
    run = "run/" + callback[len("callback/"):] + "/1"
    agent.post(f"/v1/runs/{seg(run)}/commands", {"command": "start"})
    answers = {"yes_no": {"yes_no": True}, "free_text": {"text": "nothing to add"}}
    for _ in range(50):
        screen = agent.get(f"/v1/runs/{seg(run)}/screen?locale=en")
        node = screen["node"]
        if screen["state"] != "asking":
            break
        print(f"  [{node['id']}] {node['text']}")
        if node["answer"] == "choice":
            answer = {"choice": node["choices"][0]["value"]}
        else:
            answer = answers.get(node["answer"])
        if answer is None:
            agent.post(f"/v1/runs/{seg(run)}/commands", {"command": "skip", "question": node["id"]})
        else:
            agent.post(f"/v1/runs/{seg(run)}/commands", {"command": "answer", "question": node["id"], "answer": answer})
    if screen["state"] != "completed":
        sys.exit(f"the run ended {screen['state']}")
    print("the script run completed")

    # 4. The event stream from the start, until the callback is done (the run's record finishes it).
    seen = 0
    for position, machine, event in events(args.url, args.erp_token, 0):
        seen += 1
        if event["instance"] == callback and event["event"].get("type") == "finished":
            print(f"event {position}: {callback} finished ({seen} events read)")
            return 0
    sys.exit("the stream ended before the callback finished")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Problem as p:
        sys.exit(f"kefu answered {p}")
