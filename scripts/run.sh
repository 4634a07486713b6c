#!/usr/bin/env bash
# `make run`: the database up and migrated, the demo users and a demo API key, ready-to-paste curl
# commands, then the server in the foreground (Ctrl-C stops it gracefully). Once the server answers, a
# handful of demo patient conversations are posted in the background, so that the console's queue has
# something in it; their message ids are fixed, so later runs do not post them again.
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
# The console's demo users (nurse, lead, admin): made on the first run, given new passwords on each.
demo_users=$(bin/triagectl users demo)
nl=$'\n'
demo_users="  ${demo_users//$nl/$nl  }" # indented for the banner
key=$(bin/triagectl apikeys create --name demo --rotate 2>/dev/null)

# The demo conversations, one JSON body a line: each from its own made-up number, with a fixed message
# id that the API deduplicates.
demo_messages() {
	cat <<'JSON'
{"message_id": "demo-seed-1", "from": "+15555550101", "name": "Robert Miller", "text": "I have a crushing pain in my chest spreading to my left arm and I'm sweating a lot. It started 20 minutes ago."}
{"message_id": "demo-seed-2", "from": "+15555550102", "name": "Lucía Hernández", "text": "Mi bebé de 4 meses tiene fiebre de 39.5 desde esta mañana, está muy decaído y casi no quiere tomar pecho. ¿Qué hago?"}
{"message_id": "demo-seed-3", "from": "+15555550103", "name": "Camille Dubois", "text": "Bonjour, quels sont les horaires d'ouverture de la Northgate Clinic ? Est-elle ouverte le samedi ?"}
{"message_id": "demo-seed-4", "from": "+15555550104", "name": "Jonas Becker", "text": "Guten Tag, kann ich bitte mit einer Schwester sprechen? Ich möchte nicht mit einem Computer schreiben."}
{"message_id": "demo-seed-5", "from": "+15555550105", "name": "Ana Souza", "text": "Não aguento mais. Me sinto sem esperança e às vezes penso que seria melhor não acordar mais."}
{"message_id": "demo-seed-6", "from": "+15555550106", "name": "Rahul Sharma", "text": "नमस्ते, मेरी ब्लड प्रेशर की दवा ख़त्म हो गई है। मैं अपनी दवा दोबारा कैसे मंगवा सकता हूँ?"}
{"message_id": "demo-seed-7", "from": "+15555550107", "name": "Omar Haddad", "text": "السلام عليكم، انجرحت ايدي بالقزاز والجرح عميق. هل لازم آجي اليوم؟"}
JSON
}

# seed_demo_conversations waits up to about 30 s for the server (this shell's process, once exec'd)
# to be ready, posts the demo messages and says so in one line on stderr.
seed_demo_conversations() {
	local server=$1 body code posted=0 total=0 i
	for ((i = 0; i < 60; i++)); do
		kill -0 "$server" 2>/dev/null || return 0 # the server did not start: nothing to seed
		curl -fs -o /dev/null --max-time 2 "$base/readyz" && break
		sleep 0.5
	done
	if ((i == 60)); then
		echo "demo conversations not seeded: $base/readyz did not answer within 30 s" >&2
		return 0
	fi
	while IFS= read -r body; do
		total=$((total + 1))
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$base/api/v1/messages" \
			-H "Authorization: Bearer $key" -H 'Content-Type: application/json' --data-binary "$body") || true
		case $code in 200 | 202) posted=$((posted + 1)) ;; esac
	done < <(demo_messages)
	if ((posted == total)); then
		echo "demo conversations seeded" >&2
	else
		echo "demo conversations: $posted of $total messages accepted (the last answer was HTTP $code)" >&2
	fi
}

cat <<MSG

The nurses' console: $base/console/
Log in as one of the demo users (new passwords on every run):
$demo_users
A few demo patient conversations are posted once the server is ready.

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
seed_demo_conversations $$ </dev/null >/dev/null &
exec bin/triaged
