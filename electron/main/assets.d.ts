// electron-vite's `?asset` imports (main bundle only): the file is emitted beside out/main/index.js and
// the import is its absolute path at run time (inside app.asar when packaged; Electron's fs reads it).
declare module '*?asset' {
  const path: string;
  export default path;
}
