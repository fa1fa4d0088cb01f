# Runs in CDK's exit trap, after every step of the user data and before cfn-signal reports
# $exitCode (set by the trap from the script's exit status): the deploy succeeds only when every
# step succeeded and Apache answers.
# shellcheck disable=SC2154  # exitCode is the trap's own variable
if [ "$exitCode" -eq 0 ] && ! wait_for_apache; then
  exitCode=1
fi
