"""The cost model: what a synthesized CloudFormation template costs, per billable resource, per hour and per month,
while the instances are stopped, with a stop/start schedule, and after ``cdk destroy``. The app's budget guard
(``cost_model/budget_guard.py``, registered in app.py) and the tools (`make cost`, `make diff`'s cost line, `make
audit`'s prices) all price with it: it lives beside the product, not in tools/, because the product must not depend
on its developer tooling. It reads plain template dicts (``templates.py``) and imports nothing from tools/.

    estimate.estimate_template(template, region="us-east-1", prices=prices.Prices.load())   # an Estimate

Layout: ``prices.py`` (the price file and the assumptions), ``lines.py`` (Line, Estimate), ``builder.py`` (the
builder the services add lines to), ``services/`` (one module per AWS service, each declaring how its resource
types are priced), ``estimate.py`` (the walk over a template), ``cron.py`` (when schedules fire), ``words.py``
(numbers as the lines write them), ``budget_guard.py``.

Why one module per AWS service here, in tools/review_diff/ and in tools/audit/, and not one registry per resource
type holding its price rule, its audit lookup and its diff wording together: the three sit on different sides of the
product boundary (the price rule is the product's, through the budget guard; the audit's lookups need boto3 and a
live account; the diff's wording needs AWS's diff engine), so one declaration per type would make the product import
the tools or split each declaration across layers again. Nor do the three follow the same units: a price can span
several types (an instance, its Elastic IP association and the log groups its agent ships to; a backup plan, its
selection and its vault), the audit finds what no template holds (snapshots, recovery points, dangling DNS records)
and the review's rules are about pairs of resources (a volume and its attachment, a listener and its certificate).
A service module in each is the unit that stays whole on each side (infracost's internal/resources/aws/ is shaped
the same way).

Prices come from ``prices.json`` (here) (On-Demand list prices with the date and source of each figure). An
instance type, volume type or region the price file does not know is a CostError that names it, never a silent
zero.

What is counted, per stack:

- instance hours by instance type;
- EBS storage by volume type: each instance's root volume (its BlockDeviceMappings) and every
  ``AWS::EC2::Volume``; provisioned IOPS and throughput above the free baseline (gp3: 3,000 IOPS and
  125 MiB/s are free; io1: every IOPS; io2: every IOPS, cheaper per tier);
- public IPv4 addresses: every one costs the same, Elastic IPs included. Each instance gets one from its
  public subnet; an Elastic IP associated with it replaces that address, so each instance counts once,
  and an Elastic IP with no instance counts on its own;
- detailed monitoring (one-minute metrics, billed per metric);
- the Auto Scaling tier: the group's instances at its minimum size (MinSize; the maximum is said, not
  priced), each launched from its launch template (instance type, root and data volumes, a public IPv4
  address from the public subnet); the Application Load Balancer's hours, its load balancer capacity units
  (LCUs: an assumed average, ``--lcu``) and its public IPv4 addresses (one per Availability Zone it spans,
  at least); the access logs bucket's storage (an assumed volume of logs a month, kept as long as its
  lifecycle rule says); the CloudWatch alarms target tracking creates (two per policy); the Lambda function
  of CDK's bucket auto-delete custom resource, free at this use (it runs on deploy and destroy only);
- day two: CloudWatch alarms; a KMS customer managed key (after destroy: pending deletion for its
  PendingWindowInDays, not billed) and its requests (an assumed number a month, ``--kms-requests``, within the
  account's free 20,000); an SNS topic mailing its subscribers (an assumed number of alarm emails a
  month, within SNS's free 1,000); the CloudWatch agent's custom metrics (counted from the agent configuration
  that the user data writes) and the logs it ships (an assumed volume per instance a month, ``--log-gb``,
  ingested, then stored as long as the log groups' RetentionInDays keeps them); AWS Backup's EBS snapshot
  storage for what its selection covers (each backup after the first stores an assumed share of changed
  data; kept as its plan's lifecycle says, and still there after destroy while the vault is retained);
  EventBridge Scheduler (its invocations within the free 14 million a month); an AWS Budgets budget;
- a site's name: an ACM public certificate ($0: public certificates used with Elastic Load Balancing cost
  nothing; an exportable or private one is named, not priced) and the DNS validation record it leaves in the
  zone after destroy; each Route 53 record's queries (an assumed number a month, ``--dns-queries``): free for an
  alias to a load balancer, standard queries otherwise. A hosted zone the stack only looks up is said in a note
  (it costs a month's fee outside the stack), not counted; one the stack creates is priced;
- a data volume restored from a snapshot without a size (AWS gives it the snapshot's size, which only AWS knows):
  its lines (storage, backups, the snapshot destroy leaves) say the size is unknown offline, count it as 0 GB, and
  each total they belong to is written ``+ ?``; the budget guard checks the known part and names the rest;
- while stopped: EBS volumes and Elastic IPs keep costing; instance hours, the auto-assigned address
  (released on stop) and metrics (none are sent) do not; a load balancer and its addresses keep costing;
- with the schedule: when EventBridge Scheduler stops and starts instances (ec2:stopInstances /
  startInstances) or scheduled actions scale a group to zero and back, the share of the time they run
  (cron.py) scales what follows their running time (instance hours, auto-assigned addresses, metrics,
  logs; a group's instances and their volumes, which scaling in terminates); the rest stays as it is;
- after destroy: snapshots that ``DeletionPolicy: Snapshot`` volumes (``on_destroy: snapshot``) leave
  behind (at most the volume's size: a snapshot stores only the blocks written), and anything retained.

Not counted: data transfer, I/O requests of magnetic volumes, S3 requests (log deliveries), SNS
requests (within their free tier at alarm volumes), snapshots you take yourself, the free tier (except
where a line says so), Savings Plans and taxes.
"""
