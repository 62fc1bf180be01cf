#!/bin/sh
# Run `skillpay "$@"` after reading docker secrets: for every NAME_FILE variable, NAME is
# set to that file's content (trailing newlines dropped) and NAME_FILE is removed, e.g.
# SKILLPAY_JWT_SECRET_FILE=/run/secrets/jwt_secret gives SKILLPAY_JWT_SECRET. Setting both
# NAME and NAME_FILE is refused: which one wins would be a guess.
set -eu

for name in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FILE=.*$/\1/p'); do
    file=$(printenv "${name}_FILE")
    if [ -n "$(printenv "$name" || true)" ]; then
        echo "refusing to start: both $name and ${name}_FILE are set" >&2
        exit 2
    fi
    if [ ! -r "$file" ]; then
        echo "refusing to start: ${name}_FILE names $file, which cannot be read" >&2
        exit 2
    fi
    value=$(cat "$file")
    export "$name=$value"
    unset "${name}_FILE"
done

exec skillpay "$@"
