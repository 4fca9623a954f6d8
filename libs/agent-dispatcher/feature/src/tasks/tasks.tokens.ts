export const TASK_KINDS = Symbol('leaf.agent-dispatcher.task-kinds');
export const AGENT_DISPATCHER_CONFIG_TOKEN = Symbol('leaf.agent-dispatcher.config');
