"""AWS Lambda: the function of CDK's bucket auto-delete custom resource, free at this use (it runs on deploy and
destroy only); any other function is named, not priced."""

from __future__ import annotations

from typing import Any

from cost_model.builder import Builder
from cost_model.templates import properties, references

# An invocation of the Lambda function, counted on the function.
FREE = frozenset({"Custom::S3AutoDeleteObjects"})


def function(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """A Lambda function: priced only as CDK's custom resource handler, which runs on deploy and destroy."""
    served = [r for r in b.resources.values() if str(r.get("Type", "")).startswith("Custom::")
              and logical_id in references(properties(r).get("ServiceToken"))]
    if not served:
        b.notes.append(f"not priced: {name} (AWS::Lambda::Function: its cost depends on how often it runs)")
        return
    kinds = ", ".join(sorted({str(r["Type"]) for r in served}))
    b.line(name, f"Lambda function of {kinds}: runs only when the stack is deployed or destroyed, so free at "
                 "this use (Lambda's free tier: 1 million requests and 400,000 GB-seconds a month)", 0,
           "request", b.region.usd("lambda_request"), "month", stopped=True)
    for group in sorted(logged_to(resource) & set(b.resources), key=b.names.get):
        # A few lines each time it runs; CloudWatch Logs' free tier is 5 GB of ingestion and storage a month.
        b.line(b.names[group], f"log group of {name}: a few lines each time it runs, so free at this use (CloudWatch "
                               "Logs' free tier: 5 GB ingested and stored a month)", 0, "GB ingested",
               b.region.usd("logs_ingestion_gb"), "month", stopped=True, follows=name)


def logged_to(resource: dict[str, Any]) -> set[str]:
    """The log groups a Lambda function writes to by its LoggingConfig (logical ids)."""
    return references((properties(resource).get("LoggingConfig") or {}).get("LogGroup"))


PRICED = {"AWS::Lambda::Function": function}
