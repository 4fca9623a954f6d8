import type { MutableSettings, ProvisionAction, ProvisionFinding, ProvisionPlan, RuleFilter } from './bus-provision.plan';

const settingsText = (s: MutableSettings & { requiresSession?: boolean }) =>
  Object.entries(s)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');

const filterText = (f: RuleFilter) => {
  if (f.kind === 'all') return 'all messages';
  if (f.kind === 'sql') return `sql(${f.expression})`;
  const { kind: _kind, ...correlation } = f;
  return `correlation ${JSON.stringify(correlation)}`;
};

export function describeAction(a: ProvisionAction): string {
  switch (a.kind) {
    case 'create-queue':
      return `create queue ${a.name} (${settingsText(a.settings)})`;
    case 'update-queue':
      return `update queue ${a.name} (${settingsText(a.changes)})`;
    case 'create-topic':
      return `create topic ${a.name} (duplicateDetectionWindowMs=${a.duplicateDetectionWindowMs} defaultMessageTimeToLiveMs=${a.defaultMessageTimeToLiveMs})`;
    case 'update-topic':
      return `update topic ${a.name} (${settingsText(a.changes)})`;
    case 'create-subscription':
      return `create subscription ${a.topic}/${a.name} (${settingsText(a.settings)}) with rule $Default: ${filterText(a.filter)}`;
    case 'update-subscription':
      return `update subscription ${a.topic}/${a.name} (${settingsText(a.changes)})`;
    case 'put-rule':
      return `${a.exists ? 'replace' : 'create'} rule ${a.rule} on ${a.topic}/${a.subscription}: ${filterText(a.filter)}`;
    case 'delete-rule':
      return `delete undeclared rule ${a.rule} on ${a.topic}/${a.subscription}`;
  }
}

export function describeFinding(f: ProvisionFinding): string {
  return f.kind === 'conflict' ? `CONFLICT ${f.entity}: ${f.detail} (recreate it by hand)` : `undeclared ${f.entity} (left alone)`;
}

export function describePlan(plan: ProvisionPlan): string[] {
  const lines = plan.actions.length === 0 ? ['nothing to do: the namespace matches the topology'] : plan.actions.map(describeAction);
  return [...lines, ...plan.findings.map(describeFinding)];
}
