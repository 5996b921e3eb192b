#!/usr/bin/env python3
"""Prepares a running maskline-server for tests/bench/run.sh and writes the wrk inputs.

  setup.py URL SID TOKEN TWILIO_TOKEN WORKDIR WEBHOOKS [SIGNED_URL]

Creates a Service with a two-number pool, one session with two participants (the webhook scenario's conversation),
150 more sessions (so a 100-row list page is full), and writes WEBHOOKS signed inbound-SMS webhook bodies, each
with its own MessageSid and X-Twilio-Signature, one per line ("signature<TAB>body"), for webhook.lua to replay.
Prints shell assignments (KS=… KC=…) for run.sh to eval. The webhooks are signed for SIGNED_URL (default URL): the
public URL of the nodes that will receive them, when the pool is built through another one.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import urllib.parse
import urllib.request

url, sid, token, twilio_token, work, count = sys.argv[1:7]
signed_url = sys.argv[7] if len(sys.argv) > 7 else url
count = int(count)
auth = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()


def call(method, path, fields=None):
    data = None
    if fields is not None:
        data = urllib.parse.urlencode(fields, doseq=True).encode()
    req = urllib.request.Request(url + path, data=data, method=method, headers={"Authorization": auth})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


service = call("POST", "/v1/Services", {"UniqueName": "bench"})
ks = service["sid"]
for n in ("+14155550100", "+14155550200"):
    call("POST", f"/v1/Services/{ks}/PhoneNumbers", {"PhoneNumber": n})
rider, driver = "+14155550101", "+14155550102"
session = call("POST", f"/v1/Services/{ks}/Sessions",
               {"UniqueName": "ride", "Mode": "message-only",
                "Participants": [json.dumps({"Identifier": rider}), json.dumps({"Identifier": driver})]})
kc = session["sid"]
parts = call("GET", f"/v1/Services/{ks}/Sessions/{kc}/Participants")["participants"]
rider_proxy = next(p["proxy_identifier"] for p in parts if p["identifier"] == rider)
for i in range(150):
    call("POST", f"/v1/Services/{ks}/Sessions", {"UniqueName": f"s{i}", "Mode": "message-only"})

hook = signed_url + "/carrier/twilio/sms"
with open(os.path.join(work, "webhooks.txt"), "w") as out:
    for i in range(count):
        params = {"AccountSid": "AC" + "0" * 32, "MessageSid": "SM%032x" % (i + 1), "From": rider,
                  "To": rider_proxy, "Body": "bench message %d" % i, "NumMedia": "0"}
        signed = hook + "".join(k + params[k] for k in sorted(params))
        signature = base64.b64encode(hmac.new(twilio_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
        out.write(signature + "\t" + urllib.parse.urlencode(params) + "\n")
print(f"KS={ks} KC={kc}")
