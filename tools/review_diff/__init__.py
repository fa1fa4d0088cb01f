"""Review a change before it is deployed: what it will do to running servers, in plain words, and what the
CDK CLI's own diff says. Offline: no AWS account, no credentials.

    python -m tools.review_diff                  # the working tree against its merge base with main
    python -m tools.review_diff --base v1.2      # against another git ref (make diff BASE=v1.2)
    python -m tools.review_diff -c instance_type=t3.micro   # context for both synths

Both sides are synthesized with the pinned CDK CLI (``npx cdk synth --no-lookups``) from the committed
``cdk.context.json``; the base in a temporary ``git worktree`` that borrows this checkout's ``.venv`` and
``node_modules`` and is removed again on every exit path. For every stack the real CLI then compares
the two (``npx cdk diff --app <working tree's assembly> --template <base template> <stack>``); the
synthesis's warnings are listed once in the summary, not repeated in the CLI's diff.

Above the CLI's output comes a summary a reviewer reads first, in Markdown (CI posts it on the pull
request). What is replaced, and the security group and IAM changes, come from the engine ``cdk diff``
itself is built on (``@aws-cdk/cloudformation-diff``, through ``tools/cfn_diff.cjs``), so the summary and
the diff below it agree. The summary lists resources added, removed and changed, and puts in bold
everything that

- will be REFUSED before anything changes (a template Rule that fails: the KeepAttachedVolumes rule when an
  instance with data volumes attached would be replaced) or will FAIL (an EBS volume update CloudFormation
  does not support, a shrink, a device or a volume still in use: a data volume moved to another device);
- REPLACES an instance, a volume, a load balancer, a target group, an Auto Scaling group, a certificate, a
  listener or a DNS record (the engine's verdict, and where the resource specification can only say "may be
  replaced", what AWS's AWS::EC2::Instance reference says for an EBS-backed instance in a VPC: a stop and
  start, an update in place, or a replacement), or ROLLS an Auto Scaling group's instances (its UpdatePolicy,
  batch by batch);
- cuts off clients (a listener's port or protocol changes, a listener closes its port, a DNS record is
  deleted and takes its name off the Internet) or may (a new TLS security policy);
- widens network access (a new ingress or egress rule, a wider CIDR or port range);
- changes IAM (policy statements, managed policies, roles and instance profiles);
- loses data on removal or replacement (a volume deleted with DeletionPolicy Delete, an instance whose
  root volume goes with it), or on a stop and start (an instance's instance-store volumes);

then in plain words the stops and starts, public address changes, the site's name and HTTPS (a certificate
requested and validated, in which order CloudFormation switches listeners to it; what ports 80 and 443 answer;
where a name points and how long resolvers keep the old answer; whether the deploy waits for the site on its
name), and the change in cost (the cost model, cost_model/).

The package, by concern: ``engine.py`` (the engine's changes as Changes), one module per AWS service with the rules
the engine cannot know (``ec2.py``, ``autoscaling.py``, ``iam.py``, ``network.py`` for security groups, ``acm.py``,
``elbv2.py``, ``route53.py``, ``cloudformation.py``; ``site.py`` joins the last four's words for the site's name and
HTTPS), ``summary.py`` (the summary in the reviewer's order, and its Markdown), ``words.py`` (how values read),
``model.py``, ``git.py`` (git, the base worktree, synthesis, the CLI's diff) and ``cli.py``.
"""

from tools.review_diff.cli import main, review
from tools.review_diff.ec2 import instance_behaviour, volume_update_fails
from tools.review_diff.git import ROOT, base_worktree, cli_diff, exit_cleanly_on_signals, resolve_base, without_annotations
from tools.review_diff.model import ENGINE_MAYBE, Change, ReviewError, StackReview
from tools.review_diff.summary import cost_change, render_review, summarize

__all__ = ["ENGINE_MAYBE", "ROOT", "Change", "ReviewError", "StackReview", "base_worktree", "cli_diff", "cost_change",
           "exit_cleanly_on_signals", "instance_behaviour", "main", "render_review", "resolve_base", "review",
           "summarize", "volume_update_fails", "without_annotations"]
