// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Composer } from '../../client/src/composer/Composer';
import { isSendKey } from '../../client/src/composer/keys';

vi.mock('../../client/src/net/socket', () => ({ sendTyping: vi.fn() }));
// Drafts are stored on the server (tests/client/drafts.test.ts, tests/e2e/conversation-management.e2e.test.ts).
vi.mock('../../client/src/composer/drafts', () => ({
  peekDraft: () => undefined,
  loadDraft: () => Promise.resolve(''),
  saveDraft: vi.fn(),
  clearDraft: vi.fn(),
  flushDraft: () => Promise.resolve(),
  clearDrafts: vi.fn(),
}));

afterEach(cleanup);

function setup() {
  const send = vi.fn();
  render(<Composer conversationId="c1" send={send} />);
  const input = screen.getByTestId('composer-input') as HTMLTextAreaElement;
  fireEvent.change(input, { target: { value: '了解です' } });
  return { send, input };
}

describe('the composer', () => {
  test('Enter sends the trimmed text and clears the box', () => {
    const { send, input } = setup();
    fireEvent.change(input, { target: { value: '  了解です \n' } });
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13 });
    expect(send).toHaveBeenCalledWith('c1', '了解です');
    expect(input.value).toBe('');
  });

  test('Shift+Enter does not send (it makes a new line)', () => {
    const { send, input } = setup();
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13, shiftKey: true });
    expect(send).not.toHaveBeenCalled();
  });

  test('Enter while the IME is composing (isComposing) does not send', () => {
    const { send, input } = setup();
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13, isComposing: true });
    expect(send).not.toHaveBeenCalled();
  });

  test('Enter with keyCode 229 (Safari, after compositionend) does not send', () => {
    const { send, input } = setup();
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 229 });
    expect(send).not.toHaveBeenCalled();
  });

  test('between compositionstart and compositionend Enter does not send; afterwards it does', () => {
    const { send, input } = setup();
    fireEvent.compositionStart(input);
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13 });
    expect(send).not.toHaveBeenCalled();
    fireEvent.compositionEnd(input);
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13 });
    expect(send).toHaveBeenCalledTimes(1);
  });

  test('送信 pressed while the IME is converting sends nothing, and the conversion can carry on', () => {
    const { send, input } = setup();
    fireEvent.compositionStart(input);
    const button = screen.getByTestId('composer-send');
    // The press does not take the focus from the text (which would end the conversion)…
    expect(fireEvent.mouseDown(button)).toBe(false);
    // …and the click sends nothing while the conversion is open.
    fireEvent.click(button);
    expect(send).not.toHaveBeenCalled();
    expect(input.value).toBe('了解です');
    fireEvent.compositionEnd(input);
    fireEvent.click(button);
    expect(send).toHaveBeenCalledWith('c1', '了解です');
  });

  test('an empty or blank message is not sent', () => {
    const { send, input } = setup();
    fireEvent.change(input, { target: { value: ' \n　' } });
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13 });
    expect(send).not.toHaveBeenCalled();
  });

  test('a message over 10,000 characters is refused with a message', () => {
    const { send, input } = setup();
    fireEvent.change(input, { target: { value: 'あ'.repeat(10_001) } });
    fireEvent.keyDown(input, { key: 'Enter', keyCode: 13 });
    expect(send).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toContain('10,000');
  });
});

describe('isSendKey', () => {
  const enter = { key: 'Enter', shiftKey: false, altKey: false, isComposing: false, keyCode: 13 };
  test.each([
    ['plain Enter', enter, false, true],
    ['Shift+Enter', { ...enter, shiftKey: true }, false, false],
    ['Alt+Enter', { ...enter, altKey: true }, false, false],
    ['Enter with isComposing', { ...enter, isComposing: true }, false, false],
    ['Enter with keyCode 229', { ...enter, keyCode: 229 }, false, false],
    ['Enter inside our own composition flag', enter, true, false],
    ['another key', { ...enter, key: 'a' }, false, false],
  ])('%s', (_name, key, composing, expected) => {
    expect(isSendKey(key, composing)).toBe(expected);
  });
});
