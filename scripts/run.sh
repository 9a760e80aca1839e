#!/usr/bin/env bash
# Serve the studio with a background worker on the embedded default (SQLite and Celery's
# filesystem broker under var/), or on PostgreSQL/Redis when DATABASE_URL/CELERY_BROKER_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PY=.venv/bin/python

$PY manage.py migrate --noinput
$PY manage.py load_catalog
$PY manage.py ensure_demo_user

echo "==> Starting the background worker"
.venv/bin/celery -A studio worker --beat --loglevel=INFO --concurrency=2 --hostname="studio@%h" > var/worker.log 2>&1 &
WORKER_PID=$!
trap 'echo "==> Stopping the worker"; kill $WORKER_PID 2>/dev/null || true; wait $WORKER_PID 2>/dev/null || true' EXIT INT TERM

echo "==> Studio at http://$HOST:$PORT/  (sign in as demo / demo-studio-2026; worker log: var/worker.log)"
$PY manage.py runserver "$HOST:$PORT"
