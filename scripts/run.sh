#!/usr/bin/env bash
# `make run`: the database up and migrated, a demo API key, ready-to-paste curl commands, then the
# server in the foreground (Ctrl-C stops it gracefully).
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL=${DATABASE_URL:-postgres://triage:triage@127.0.0.1:5432/triage?sslmode=disable}
export TRIAGE_ADDR=${TRIAGE_ADDR:-:8080}
port=${TRIAGE_ADDR##*:}
base="http://localhost:$port"

bin/triagectl migrate
# The demo clinic's knowledge base (kb/demo): only changed pages are re-embedded on later runs. A
# folder of the clinic's own pages can be loaded the same way: bin/triagectl kb ingest DIR.
bin/triagectl kb ingest kb/demo
key=$(bin/triagectl apikeys create --name demo --rotate 2>/dev/null)

cat <<MSG

Demo API key (a new one each run; the previous demo key is revoked):
  $key

Post a message, keep its conversation id, then read the conversation (paste both lines):

  CONV=\$(curl -s -X POST $base/api/v1/messages -H 'Authorization: Bearer $key' -H 'Content-Type: application/json' -d '{"from": "+15555550123", "message_id": "demo-'\$RANDOM'", "text": "I have had a fever since yesterday and my throat hurts", "name": "Jane"}' | tee /dev/stderr | sed -E 's/.*"conversation_id":"([^"]+)".*/\1/'); echo
  curl -s $base/api/v1/conversations/\$CONV -H 'Authorization: Bearer $key'; echo

A question the demo knowledge base answers (the reply cites its source), then the conversation:

  CONV=\$(curl -s -X POST $base/api/v1/messages -H 'Authorization: Bearer $key' -H 'Content-Type: application/json' -d '{"from": "+15555550124", "message_id": "demo-'\$RANDOM'", "text": "Is parking free at the main campus?", "name": "Sam"}' | sed -E 's/.*"conversation_id":"([^"]+)".*/\1/'); sleep 1
  curl -s $base/api/v1/conversations/\$CONV -H 'Authorization: Bearer $key'; echo

What the knowledge base finds for a question: bin/triagectl kb search "donde me pongo la vacuna de la gripe" --lang es

Health: curl -s $base/healthz   Readiness: curl -s $base/readyz   Metrics: curl -s $base/metrics

MSG
exec bin/triaged
