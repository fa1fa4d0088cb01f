# Runs in the background (a transient systemd unit) once this instance answers locally: waits until
# the site answers on its public name (DNS record, load balancer and certificate in place), then
# signals CloudFormation's SiteAnswers wait condition, so that the deploy completes only then.
# Arguments: the site's URL, then cfn-signal's --stack/--resource/--region. Gives up after 20
# minutes; CloudFormation's own timeout then fails the deploy and rolls it back.
set -uo pipefail
URL=$1
shift
DEADLINE=$((SECONDS + ${WEB_SERVER_SITE_WAIT_SECONDS:-1200}))
CFN_SIGNAL=${WEB_SERVER_CFN_SIGNAL:-/opt/aws/bin/cfn-signal}

until curl -fsS --max-time 10 -o /dev/null "$URL"; do
  if [ "$SECONDS" -ge "$DEADLINE" ]; then
    echo "== $URL never answered" >&2
    exit 1
  fi
  sleep 10
done
echo "== $URL answers; telling CloudFormation"
# The wait condition may not be waiting yet (CloudFormation creates it after the record and the
# listeners): repeat until the signal is taken.
until "$CFN_SIGNAL" -e 0 "$@"; do
  if [ "$SECONDS" -ge "$DEADLINE" ]; then
    exit 1
  fi
  sleep 15
done
