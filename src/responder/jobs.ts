/** Job names of the responder, in one place. */
export const RESPONDER_JOB = {
  respond: 'respond',
  deliver: 'deliver',
  reconcile: 'reconcile-draft',
  sendingSweep: 'drafts-sending-sweep',
  resumePaused: 'resume-paused-chats',
} as const;
