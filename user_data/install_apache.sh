# Installs Apache (httpd), enables it at boot, starts it, and succeeds only once
# http://localhost/ answers 200. CDK puts this after its own "#!/bin/bash" line and its
# exit trap, which sends cfn-signal with this script's exit status: any failure below
# (set -e) becomes a failed CreationPolicy, so the deploy rolls back instead of
# "succeeding" with a dead server.
#
# Works on Amazon Linux 2 (yum) and Amazon Linux 2023 (dnf), under IMDSv2 (token
# required), logs to /var/log/web-server-setup.log, and is safe to run twice.
set -euo pipefail

LOG=/var/log/web-server-setup.log
exec > >(tee -a "$LOG") 2>&1
echo "== web server setup started $(date -u +%Y-%m-%dT%H:%M:%SZ)"

if command -v dnf >/dev/null 2>&1; then PKG=dnf; else PKG=yum; fi

"$PKG" -y update
# aws-cfn-bootstrap provides /opt/aws/bin/cfn-signal, used by the exit trap; AL2 ships
# it preinstalled, AL2023 does not. Installing an installed package is a no-op.
"$PKG" -y install httpd aws-cfn-bootstrap

# IMDSv2: every metadata read needs a session token.
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token \
  -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
metadata() {
  curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" "http://169.254.169.254/latest/meta-data/$1"
}
INSTANCE_ID=$(metadata instance-id)
ZONE=$(metadata placement/availability-zone)

# Written atomically so a second run never serves a half-written page.
cat > /var/www/html/index.html.tmp <<HTML
<!doctype html>
<html><head><title>Hello from ${INSTANCE_ID}</title></head>
<body><h1>It works!</h1><p>Apache on ${INSTANCE_ID} in ${ZONE}.</p></body></html>
HTML
mv -f /var/www/html/index.html.tmp /var/www/html/index.html

systemctl enable httpd
systemctl restart httpd

# Wait (up to 60 s) for Apache to answer 200 before reporting success.
for attempt in $(seq 1 30); do
  code=$(curl -s -o /dev/null -w '%{http_code}' http://localhost/ || true)
  if [ "$code" = "200" ]; then
    echo "== Apache answers 200 after ${attempt} attempt(s)"
    exit 0
  fi
  sleep 2
done
echo "== Apache did not answer 200 on http://localhost/ (last status: ${code:-none})" >&2
exit 1
