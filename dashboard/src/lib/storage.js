// Where the dashboard keeps its session and last site viewed (localStorage), and a share link's
// unlocked token for the tab (sessionStorage).

/**
 * The browser's localStorage (or sessionStorage), or a stand-in in memory where the browser
 * refuses it: a share link framed by another site with third-party storage blocked throws on the
 * first touch, and the shared dashboard must render there all the same (it keeps nothing worth
 * persisting).
 */
export function browserStorage(win = window, kind = 'localStorage') {
  try {
    const storage = win[kind];
    storage.getItem('tf.probe'); // some browsers refuse only on use
    return storage;
  } catch {
    const items = new Map();
    return {
      getItem: (key) => (items.has(key) ? items.get(key) : null),
      setItem: (key, value) => { items.set(key, String(value)); },
      removeItem: (key) => { items.delete(key); },
    };
  }
}
