#!/usr/bin/env bash
# Validate docker-compose.yml with whichever Compose client is here (no Docker engine needed).
set -euo pipefail
cd "$(dirname "$0")/.."
export SECRET_KEY=${SECRET_KEY:-validate-only}  # the file refuses to run without one
if docker compose version >/dev/null 2>&1; then
  docker compose config --quiet
elif command -v docker-compose >/dev/null; then
  docker-compose config --quiet
else
  echo "Installing docker-compose to validate the compose file…"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq docker-compose >/dev/null
  docker-compose config --quiet
fi
echo "docker-compose.yml is valid."
