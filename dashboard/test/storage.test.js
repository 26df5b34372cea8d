import { describe, expect, it } from 'vitest';
import { browserStorage } from '../src/lib/storage.js';

describe('browser storage', () => {
  it('is localStorage where the browser allows it', () => {
    const localStorage = { getItem: () => null, setItem() {}, removeItem() {} };
    expect(browserStorage({ localStorage })).toBe(localStorage);
  });

  it('falls back to memory where touching localStorage throws, as in a framed share link with third-party storage blocked', () => {
    const refusing = { get localStorage() { throw new DOMException('Access is denied for this document.', 'SecurityError'); } };
    const storage = browserStorage(refusing);
    expect(storage.getItem('tf.token')).toBeNull();
    storage.setItem('tf.lastSite', 'example.com');
    expect(storage.getItem('tf.lastSite')).toBe('example.com');
    storage.removeItem('tf.lastSite');
    expect(storage.getItem('tf.lastSite')).toBeNull();
  });

  it('falls back to memory where localStorage exists but refuses reads', () => {
    const localStorage = { getItem() { throw new DOMException('denied', 'SecurityError'); } };
    const storage = browserStorage({ localStorage });
    expect(storage).not.toBe(localStorage);
    expect(storage.getItem('x')).toBeNull();
  });

  it('falls back to memory for sessionStorage too, which a framed share link reads for its unlocked token', () => {
    const refusing = { get sessionStorage() { throw new DOMException('Access is denied for this document.', 'SecurityError'); } };
    const storage = browserStorage(refusing, 'sessionStorage');
    storage.setItem('tf.share', 'unlocked');
    expect(storage.getItem('tf.share')).toBe('unlocked');
    const sessionStorage = { getItem: () => null, setItem() {}, removeItem() {} };
    expect(browserStorage({ sessionStorage }, 'sessionStorage')).toBe(sessionStorage);
  });
});
