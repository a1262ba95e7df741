/**
 * The theme: no choice stored means "follow the system"; a stored choice sets `data-theme` on <html>. The
 * inline script runs in <head> before the first paint, so a dark page never flashes white. It is kept tiny
 * because a Content Security Policy will have to allow it (by nonce or hash).
 */
export const THEME_KEY = 'upbeat-theme';

export const THEME_SCRIPT = `try{var t=localStorage.getItem("${THEME_KEY}");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;
