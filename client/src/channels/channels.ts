import type { ChannelList, ChannelSummary } from '../../../shared/schemas/conversation-management.js';
import { api } from '../net/api';

/** The channels I may see: mine, and those open to my department (or above it) or to everyone. */
export async function listChannels(): Promise<ChannelSummary[]> {
  return (await api.get<ChannelList>('/api/channels')).channels;
}
