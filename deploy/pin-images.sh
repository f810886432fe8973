#!/usr/bin/env bash
# Pins every image of docker-compose.yml and the Dockerfile's base image by digest: each
# `image: name:tag` (or `FROM name:tag`) becomes `name:tag@sha256:<digest of the tag now>`, the
# multi-platform index digest the registry serves. Run it before the first deploy and to refresh
# (then review the diff, rebuild, test, deploy). Needs docker with buildx; reads registries only.
set -euo pipefail
cd "$(dirname "$0")/.."

digest_of() {
  docker buildx imagetools inspect "$1" --format '{{json .Manifest}}' |
    sed -n 's/.*"digest":"\(sha256:[0-9a-f]\{64\}\)".*/\1/p' | head -n 1
}

pin_file() {
  local file=$1 pattern=$2
  grep -oE "$pattern" "$file" | sed -E 's/^(image: |FROM )//; s/ AS .*//' | sort -u |
    while read -r ref; do
      local tag=${ref%@*}
      local d
      d=$(digest_of "$tag")
      [[ $d =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "no digest for $tag" >&2; exit 1; }
      echo "$tag -> $d"
      sed -i -E "s#(image: |FROM )${tag//./\\.}(@sha256:[0-9a-f]{64})?#\1${tag}@${d}#" "$file"
    done
}

pin_file docker-compose.yml 'image: [a-z0-9./-]+:[A-Za-z0-9._-]+(@sha256:[0-9a-f]{64})?'
pin_file Dockerfile 'FROM [a-z0-9./-]+:[A-Za-z0-9._-]+(@sha256:[0-9a-f]{64})?'
