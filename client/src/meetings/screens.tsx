import type { Route } from '../app/router';
import { MeetingsList } from './MeetingsList';
import { MeetingView, type EmbeddedConversation } from './MeetingView';
import { Minutes } from './Minutes';
import { Todos } from './Todos';

type MeetingRoute = Extract<Route, { name: 'meetings' | 'meeting' | 'todos' }>;

/**
 * The meetings' screens behind one lazy import in the shell (one loader in everyone's first load,
 * not four): the list (with the start dialog), a meeting, its minutes, 自分のToDo.
 */
export default function MeetingScreens({ route, Conversation }: { route: MeetingRoute; Conversation: EmbeddedConversation }) {
  if (route.name === 'meetings') return <MeetingsList start={route.start} />;
  if (route.name === 'todos') return <Todos />;
  return route.minutes ? (
    <Minutes key={route.meetingId} meetingId={route.meetingId} />
  ) : (
    <MeetingView key={route.meetingId} meetingId={route.meetingId} Conversation={Conversation} />
  );
}
