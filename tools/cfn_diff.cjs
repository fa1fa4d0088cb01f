#!/usr/bin/env node
// What AWS's own diff engine says about a change: node tools/cfn_diff.cjs OLD.json NEW.json [OLD NEW]...
//
// `@aws-cdk/cloudformation-diff` (pinned in package.json) is the library `cdk diff` is built on: it reads
// CloudFormation's resource specification (which properties replace a resource, which may) and follows
// replacements through Ref/GetAtt to the resources that point at a replaced one. It is a library, not a
// command; this makes it one that prints facts instead of a coloured table.
//
// Version: the pinned CLI (aws-cdk 2.1148.1) bundles cloudformation-diff 2.187.7, built from its own repository
// and not published; 2.187.5 is the newest published, and is pinned. The template diff both run (diffTemplate,
// replacement propagation through references, change impacts) is the same code. Their answers come from
// CloudFormation's resource specification: the CLI bundles its own copy (node_modules/aws-cdk/db.json.gz), newer
// than the @aws-cdk/aws-service-spec 0.1.216 that package-lock.json installs for 2.187.5; compared property by
// property, the two give every property of every resource type this app uses the same replacement answer (the
// only EC2 or IAM difference is AWS::EC2::VPCPeeringConnection.AssumeRoleRegion). tests/tools/test_cfn_diff.py
// checks both: the specifications for the app's types, and the answers against the CLI's own `cdk diff`.
//
// For each pair, one line of JSON (JSON Lines, so one Node start serves many stacks):
//   resources: {logicalId: {impact, oldType, newType, properties: {name: {impact, old, new}}, other: {name: {old, new}}}}
//     impact: add, destroy, orphan, replace, may-replace, update, import, none
//   securityGroups: {ingressAdded, ingressRemoved, egressAdded, egressRemoved}: [{groupId, ipProtocol, fromPort,
//     toPort, peer: {kind, ip | securityGroupId | prefixListId}}]
//   iam: {statementsAdded, statementsRemoved: [{resource, effect, action, principal, condition}],
//     managedPoliciesAdded, managedPoliciesRemoved: [{resource, arn}]}
//   permissionsBroadened: true when IAM grants more or an ingress/egress rule is added
// Exit status 0, or 2 on usage or runtime errors (a file that is not a JSON template included).
// With --serve instead of files, it answers pairs read from stdin (see serve() below).
"use strict";

const { readFileSync } = require("node:fs");
const { fullDiff, ResourceImpact } = require("@aws-cdk/cloudformation-diff");

const IMPACTS = {
  [ResourceImpact.WILL_CREATE]: "add",
  [ResourceImpact.WILL_DESTROY]: "destroy",
  [ResourceImpact.WILL_ORPHAN]: "orphan",
  [ResourceImpact.WILL_REPLACE]: "replace",
  [ResourceImpact.MAY_REPLACE]: "may-replace",
  [ResourceImpact.WILL_UPDATE]: "update",
  [ResourceImpact.WILL_IMPORT]: "import",
  [ResourceImpact.NO_CHANGE]: "none",
};

function readTemplate(file) {
  const template = JSON.parse(readFileSync(file, "utf8"));
  if (template === null || typeof template !== "object" || Array.isArray(template)) {
    throw new Error(`${file} is not a CloudFormation template (a JSON object)`);
  }
  return template;
}

function resources(diff) {
  const out = {};
  diff.resources.forEachDifference((logicalId, change) => {
    const properties = {};
    for (const [name, property] of Object.entries(change.propertyUpdates)) {
      properties[name] = { impact: IMPACTS[property.changeImpact] || "none", old: property.oldValue, new: property.newValue };
    }
    const other = {};
    for (const [name, value] of Object.entries(change.otherChanges)) {
      other[name] = { old: value.oldValue, new: value.newValue };
    }
    out[logicalId] = {
      impact: IMPACTS[change.changeImpact],
      oldType: change.oldResourceType ?? null,
      newType: change.newResourceType ?? null,
      properties,
      other,
    };
  });
  return out;
}

function statements(list) {
  return list.map((statement) => {
    const { resource, effect, action, principal, condition } = statement.render();
    return { resource, effect, action, principal, condition };
  });
}

function policies(list) {
  return list.map((attachment) => ({ resource: attachment.identityArn, arn: attachment.managedPolicyArn }));
}

function describe(oldFile, newFile) {
  const diff = fullDiff(readTemplate(oldFile), readTemplate(newFile));
  const groups = diff.securityGroupChanges;
  const iam = diff.iamChanges;
  return {
    resources: resources(diff),
    securityGroups: {
      ingressAdded: groups.ingress.additions.map((rule) => rule.toJson()),
      ingressRemoved: groups.ingress.removals.map((rule) => rule.toJson()),
      egressAdded: groups.egress.additions.map((rule) => rule.toJson()),
      egressRemoved: groups.egress.removals.map((rule) => rule.toJson()),
    },
    iam: {
      statementsAdded: statements(iam.statements.additions),
      statementsRemoved: statements(iam.statements.removals),
      managedPoliciesAdded: policies(iam.managedPolicies.additions),
      managedPoliciesRemoved: policies(iam.managedPolicies.removals),
    },
    permissionsBroadened: diff.permissionsBroadened,
  };
}

function main(files) {
  if (files.length === 0 || files.length % 2 !== 0) {
    console.error("usage: node tools/cfn_diff.cjs OLD.template.json NEW.template.json [OLD NEW]...");
    return 2;
  }
  for (let i = 0; i < files.length; i += 2) {
    process.stdout.write(JSON.stringify(describe(files[i], files[i + 1])) + "\n");
  }
  return 0;
}

// --serve: one Node start for a whole session. Each stdin line is a JSON array [OLD, NEW] of file names; each
// answer is one stdout line, the pair's diff or {"error": message}. The engine reads CloudFormation's resource
// specification on its first diff (about 0.7 s of CPU), so a caller that diffs again and again (tools/cfn_diff.py
// keeps one per Python process) pays that once. Ends at the end of stdin.
function serve() {
  const lines = require("node:readline").createInterface({ input: process.stdin, terminal: false });
  lines.on("line", (line) => {
    let answer;
    try {
      const [oldFile, newFile] = JSON.parse(line);
      answer = describe(oldFile, newFile);
    } catch (error) {
      answer = { error: `${error && error.message ? error.message : error}` };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  });
}

try {
  if (process.argv[2] === "--serve" && process.argv.length === 3) {
    serve();
  } else {
    process.exitCode = main(process.argv.slice(2));
  }
} catch (error) {
  console.error(`cfn_diff: ${error && error.message ? error.message : error}`);
  process.exitCode = 2;
}
