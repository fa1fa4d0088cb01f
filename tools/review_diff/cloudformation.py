"""AWS CloudFormation in the review: template Rules that refuse an update before any change, and the last wait (a
wait condition that makes the deploy wait for the site to answer on its name)."""

from __future__ import annotations

from typing import Any, Optional

from cost_model.templates import display_name, render_value
from tools.review_diff.model import LISTENER, RECORD, SITE_URL_OUTPUT, TWO_DEPLOYS, WAIT_CONDITION, Change
from tools.review_diff.words import depends_on


def refusals(base: Optional[dict[str, Any]], head: Optional[dict[str, Any]]) -> list[str]:
    """Template Rules that will refuse the update before any resource changes. A Rule CloudFormation evaluates
    "before it creates or updates any resources" (Rules syntax reference) that compares a parameter with a literal
    fails when the value the stack keeps differs: the CDK CLI passes UsePreviousValue for a parameter the deployed
    stack has, so the deployed value is the base's default (a new parameter takes the new default and passes).
    This is how the KeepAttachedVolumes rule refuses replacing an instance while data volumes are attached."""
    base_parameters = (base or {}).get("Parameters") or {}
    head_parameters = (head or {}).get("Parameters") or {}
    lines = []
    for rule_id, rule in sorted(((head or {}).get("Rules") or {}).items()):
        for assertion in rule.get("Assertions") or []:
            check = assertion.get("Assert")
            compared = check.get("Fn::Equals") if isinstance(check, dict) and len(check) == 1 else None
            if not isinstance(compared, list) or len(compared) != 2:
                continue
            parameter = next((side["Ref"] for side in compared if isinstance(side, dict) and "Ref" in side), None)
            literal = next((side for side in compared if isinstance(side, str)), None)
            if parameter not in head_parameters or parameter not in base_parameters or literal is None:
                continue
            deployed = base_parameters[parameter].get("Default")
            if deployed is None or deployed == literal:
                continue
            rule_name = display_name(rule_id, {})
            if "KeepAttachedVolumes" in rule_id:
                server = rule_name.removesuffix("KeepAttachedVolumes")
                lines.append(f"REFUSED (rule `{rule_name}`: the instance of `{server}` would be replaced while data "
                             "volumes are attached to it): this update will be refused before any change by the "
                             f"KeepAttachedVolumes rule; {TWO_DEPLOYS} (README: \"Replacing the instance, and keeping "
                             "its data volumes\").")
            else:
                lines.append(f"REFUSED: template rule `{rule_name}` will refuse this update before any change: "
                             f"{assertion.get('AssertDescription', 'its assertion fails')}")
    return lines


class WaitWords:
    """Site's words for the wait condition and the site's address (a mixin of tools/review_diff/site.py's Site)."""

    def wait_lines(self, change: Change) -> tuple[list[str], list[str]]:
        """The last wait: CloudFormation waits for a wait condition's signals "only when [it] creates the associated
        resource" (CreationPolicy attribute reference)."""
        name = self.name(change.logical_id)
        if change.action == "add":
            resource = self.head[change.logical_id]
            signal = (resource.get("CreationPolicy") or {}).get("ResourceSignal")
            if not signal:
                return [], []
            url = self.site_url(self.outputs[1])
            after = sorted(i for i in depends_on(resource) if (self.head.get(i) or {}).get("Type") in (RECORD, LISTENER))
            text = (f"The deploy now ends only once an instance signals wait condition {name}"
                    + (f" that the site answers on {url}" if url else "")
                    + f" ({signal.get('Count', 1)} signal within {signal.get('Timeout', 'PT5M')}, its CreationPolicy)")
            if after:
                text += f", which CloudFormation creates after {', '.join(self.name(i) for i in after)}"
            return [], [text + "; without a signal in time the deploy fails and rolls back."]
        if change.action == "remove":
            return [], [f"Deletes wait condition {name}: deploys no longer wait for the site to answer on its name."]
        if change.action == "replace":
            return [], [f"Wait condition {name} is created anew: this deploy waits again for an instance's signal."]
        return [], []

    def site_url(self, outputs: dict[str, Any]) -> Optional[str]:
        value = (outputs.get(SITE_URL_OUTPUT) or {}).get("Value")
        if value is None:
            return None
        return self.summarizer.named(render_value(value))

    def notes(self) -> list[str]:
        """The site's address when it changes, and whether this deploy waits for the site on it."""
        before, after = (self.site_url(outputs) for outputs in self.outputs)
        if before is None or after is None or before == after:
            return []
        lines = [f"The site's address changes: {before} to {after} (the {SITE_URL_OUTPUT} output)."]
        for logical_id, resource in sorted(self.head.items()):
            if resource.get("Type") == WAIT_CONDITION and resource.get("CreationPolicy") and \
                    logical_id in self.base and logical_id not in self.changes:
                lines.append(f"Wait condition {self.name(logical_id)} is not created again, and CloudFormation waits "
                             "for a wait condition's signals only when it creates it (its CreationPolicy): this deploy "
                             f"does not wait for the site to answer on {after}; open it once the deploy ends.")
        return lines
