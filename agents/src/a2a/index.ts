export { createRemoteAgentActivities, type RemoteAgentActivityDeps } from './activities';
export { RemoteAgentError, fetchRemoteAgentCard, summarizeCard, type CardFetchOptions } from './card';
export { remoteClient, replyOfTask, resultOfTask, sendAndFollow, stateName, type RemoteClient } from './call';
