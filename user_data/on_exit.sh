# Runs in CDK's exit trap, after every step of the user data and before cfn-signal reports
# $exitCode (set by the trap from the script's exit status): the deploy succeeds only when every
# step succeeded and Apache answers. With a domain name, the check of the site on its public name
# starts then, in the background (check_site.sh): it is what CloudFormation's last wait depends on.
# shellcheck disable=SC2154  # exitCode is the trap's own variable
if [ "$exitCode" -eq 0 ] && ! wait_for_apache; then
  exitCode=1
fi
if [ "$exitCode" -eq 0 ] && [ -n "${WEB_SERVER_SITE_URL:-}" ]; then
  # shellcheck disable=SC2086  # the signal's arguments are meant to split into words
  systemd-run --unit web-server-site-check --description "Wait for the site on its name, then signal" \
    /bin/bash "$SITE_CHECK_SCRIPT" "$WEB_SERVER_SITE_URL" $WEB_SERVER_SITE_SIGNAL || exitCode=1
fi
