# Installs Apache (httpd), enables it at boot, starts it, and succeeds only once
# http://localhost/ answers 200. CDK puts this after its own "#!/bin/bash" line and its
# exit trap, which sends cfn-signal with this script's exit status: a failure below
# (set -e) becomes a failed CreationPolicy, so the deploy rolls back instead of
# "succeeding" with a dead server. cfn-signal itself comes from aws-cfn-bootstrap,
# installed first; if even that fails, no signal can be sent and CloudFormation fails
# the instance when the signal timeout runs out.
#
# Works on Amazon Linux 2 (yum) and Amazon Linux 2023 (dnf), under IMDSv2 (token
# required), logs to a file, and is safe to run twice. The variables below default to
# the real paths; the tests point them elsewhere to run the script without a server.
set -euo pipefail

LOG=${WEB_SERVER_SETUP_LOG:-/var/log/web-server-setup.log}
WEB_ROOT=${WEB_SERVER_ROOT:-/var/www/html}
WAIT_ATTEMPTS=${WEB_SERVER_WAIT_ATTEMPTS:-30}

exec > >(tee -a "$LOG") 2>&1
echo "== web server setup started $(date -u +%Y-%m-%dT%H:%M:%SZ)"

if command -v dnf >/dev/null 2>&1; then PKG=dnf; else PKG=yum; fi

# First, what the exit trap needs to report a failure: /opt/aws/bin/cfn-signal (AL2 ships
# it, AL2023 does not). Installing an installed package is a no-op.
"$PKG" -y install aws-cfn-bootstrap
"$PKG" -y update
"$PKG" -y install httpd

# IMDSv2: every metadata read needs a session token. -f turns an HTTP error into a
# failure instead of writing an error page into index.html.
CURL=(curl -fsS --max-time 5 --retry 3)
TOKEN=$("${CURL[@]}" -X PUT http://169.254.169.254/latest/api/token \
  -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
metadata() {
  "${CURL[@]}" -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"
}
INSTANCE_ID=$(metadata instance-id)
ZONE=$(metadata placement/availability-zone)

# Written atomically so a second run never serves a half-written page.
mkdir -p "$WEB_ROOT"
cat > "$WEB_ROOT/index.html.tmp" <<HTML
<!doctype html>
<html><head><title>Hello from ${INSTANCE_ID}</title></head>
<body><h1>It works!</h1><p>Apache on ${INSTANCE_ID} in ${ZONE}.</p></body></html>
HTML
mv -f "$WEB_ROOT/index.html.tmp" "$WEB_ROOT/index.html"

systemctl enable httpd
systemctl restart httpd

# Wait (2 s apart, 30 tries by default) for Apache to answer 200 before reporting success.
code=none
for attempt in $(seq 1 "$WAIT_ATTEMPTS"); do
  code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://localhost/ || true)
  if [ "$code" = "200" ]; then
    echo "== Apache answers 200 after ${attempt} attempt(s)"
    exit 0
  fi
  sleep 2
done
echo "== Apache did not answer 200 (last status: ${code})" >&2
exit 1
