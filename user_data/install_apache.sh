# Installs Apache (httpd), enables it at boot, starts it, and puts the site in place: the files of
# site_dir when the construct published them (WEB_SERVER_SITE_ARCHIVE, a zip downloaded just before
# this script), else a page naming the instance. CDK puts this after its own "#!/bin/bash" line and
# its exit trap; commands added after this script (user_data_commands, or
# instance.user_data.add_commands) run next, under the same `set -e`. When the script ends, the trap
# runs on_exit.sh, which succeeds only if http://localhost/ answers 200, then cfn-signal reports the
# result: a failure anywhere becomes a failed CreationPolicy, so the deploy rolls back instead of
# "succeeding" with a dead server. cfn-signal itself comes from aws-cfn-bootstrap, installed first;
# if even that fails, no signal can be sent and CloudFormation fails the instance when the signal
# timeout runs out.
#
# Works on Amazon Linux 2 (yum) and Amazon Linux 2023 (dnf), under IMDSv2 (token required), logs to
# a file, and is safe to run twice. The variables below default to the real paths; the tests point
# them elsewhere to run the script without a server.
set -euo pipefail

LOG=${WEB_SERVER_SETUP_LOG:-/var/log/web-server-setup.log}
WEB_ROOT=${WEB_SERVER_ROOT:-/var/www/html}
WAIT_ATTEMPTS=${WEB_SERVER_WAIT_ATTEMPTS:-30}
SITE_ARCHIVE=${WEB_SERVER_SITE_ARCHIVE:-}

exec > >(tee -a "$LOG") 2>&1
echo "== web server setup started $(date -u +%Y-%m-%dT%H:%M:%SZ)"

if command -v dnf >/dev/null 2>&1; then PKG=dnf; else PKG=yum; fi

# First, what the exit trap needs to report a failure: /opt/aws/bin/cfn-signal (AL2 ships
# it, AL2023 does not). Installing an installed package is a no-op.
"$PKG" -y install aws-cfn-bootstrap
"$PKG" -y update
"$PKG" -y install httpd

mkdir -p "$WEB_ROOT"
if [ -n "$SITE_ARCHIVE" ]; then
  # The site's own files. Unpacked beside the web root and swapped in, so a second run never serves
  # a half-unpacked site.
  "$PKG" -y install unzip
  rm -rf "$WEB_ROOT.new"
  mkdir -p "$WEB_ROOT.new"
  unzip -q "$SITE_ARCHIVE" -d "$WEB_ROOT.new"
  rm -rf "$WEB_ROOT.old"
  mv "$WEB_ROOT" "$WEB_ROOT.old"
  mv "$WEB_ROOT.new" "$WEB_ROOT"
  rm -rf "$WEB_ROOT.old"
else
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
  cat > "$WEB_ROOT/index.html.tmp" <<HTML
<!doctype html>
<html><head><title>Hello from ${INSTANCE_ID}</title></head>
<body><h1>It works!</h1><p>Apache on ${INSTANCE_ID} in ${ZONE}.</p></body></html>
HTML
  mv -f "$WEB_ROOT/index.html.tmp" "$WEB_ROOT/index.html"
fi

systemctl enable httpd
systemctl restart httpd
echo "== Apache installed and started; waiting for it (and any later steps) before reporting"

# Called by on_exit.sh once every step has run: 0 once http://localhost/ answers 200 (2 s apart,
# 30 tries by default), 1 if it never does.
wait_for_apache() {
  local code=none attempt
  for attempt in $(seq 1 "$WAIT_ATTEMPTS"); do
    code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://localhost/ || true)
    if [ "$code" = "200" ]; then
      echo "== Apache answers 200 after ${attempt} attempt(s)"
      return 0
    fi
    sleep 2
  done
  echo "== Apache did not answer 200 (last status: ${code})" >&2
  return 1
}
