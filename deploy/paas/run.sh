#!/bin/sh
# The Procfile's commands (Heroku, Dokku, Scalingo and other buildpack platforms).
#   sh deploy/paas/run.sh release   apply migrations (the platform's release phase)
#   sh deploy/paas/run.sh web       serve on $PORT, all interfaces
# A dyno's disk is wiped at every restart: without DATABASE_URL the embedded database would vanish,
# and a generated EXITBOT_SECRET or EXITBOT_MASTER_KEY would make the stored data unreadable after the
# next restart. So all three must come from the platform's config, and this refuses to start without.
set -eu

missing=""
for name in DATABASE_URL EXITBOT_SECRET EXITBOT_MASTER_KEY; do
  eval "value=\${$name:-}"
  [ -n "$value" ] || missing="$missing $name"
done
if [ -n "$missing" ]; then
  echo "exitbot: set${missing} in the platform's config: the disk does not survive a restart (see docs/deployment.md)" >&2
  exit 1
fi

cd "$(dirname "$0")/../.."
case "${1:-}" in
  release) exec node packages/server/src/cli.ts migrate ;;
  web) export HOST=0.0.0.0 && exec node packages/server/src/cli.ts serve ;;
  *) echo "usage: sh deploy/paas/run.sh release|web" >&2; exit 2 ;;
esac
