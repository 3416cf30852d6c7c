// The app imports the bundle (dist/web/sentio.js, built from src/browser.ts) as './sentio.js',
// kept external by the build so the page loads one copy of Sentio; this gives that import its types.
export * from '../src/browser.ts';
