# With logs=true: installs the CloudWatch agent and starts it with the configuration the construct wrote
# to $CLOUDWATCH_AGENT_CONFIG just before: Apache's access and error logs and the boot log (cloud-init's
# output) to their log groups, memory and disk use as metrics. Runs after Apache is installed, so its log
# files exist; a failure here fails the deploy like any other step.
"$PKG" -y install amazon-cloudwatch-agent
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \
  -c "file:$CLOUDWATCH_AGENT_CONFIG"
