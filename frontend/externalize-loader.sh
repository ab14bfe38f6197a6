#!/usr/bin/env bash
# Moves Trunk's inline <script type="module"> loader out of index.html into boot-<hash>.js,
# so the server's Content-Security-Policy (script-src 'self', no 'unsafe-inline') lets it
# run. Usable as a Trunk post_build hook (works on $TRUNK_STAGING_DIR) or by hand on dist/.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:-${1:-dist}}"
python3 - "$dir" <<'PY'
import hashlib, pathlib, re, sys
d = pathlib.Path(sys.argv[1])
html = (d / "index.html").read_text()
# Minified or not: <script type="module"> or <script type=module>, with no src.
m = re.search(r'<script type=(?:"module"|module)>(.*?)</script>', html, re.S)
if not m:
    sys.exit(0)
js = m.group(1).strip() + "\n"
name = f"boot-{hashlib.sha256(js.encode()).hexdigest()[:16]}.js"
(d / name).write_text(js)
html = html[: m.start()] + f'<script type="module" src="/{name}"></script>' + html[m.end():]
(d / "index.html").write_text(html)
print(f"loader moved to {name}")
PY
