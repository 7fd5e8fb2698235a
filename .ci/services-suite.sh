#!/usr/bin/env bash
# The whole suite against PostgreSQL + Redis, with a real Celery worker consuming the broker.
set -euo pipefail
cd "$(dirname "$0")/.."
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/14}"
export TEST_CELERY_BROKER_URL="${TEST_CELERY_BROKER_URL:-$REDIS_URL}"
redis-cli -u "$REDIS_URL" flushdb >/dev/null

log="$(mktemp)"
DATABASE_URL="$TEST_DATABASE_URL" CELERY_BROKER_URL="$TEST_CELERY_BROKER_URL" \
  .venv/bin/celery -A api.worker worker --loglevel=INFO --concurrency=2 \
  --hostname "ci-worker-$$@%h" >"$log" 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT
for _ in $(seq 60); do grep -q "ready" "$log" && break; sleep 1; done
grep -q "ready" "$log" || { echo "Celery worker did not start:"; cat "$log"; exit 1; }

.venv/bin/pytest -q
