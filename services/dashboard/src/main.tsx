/** Entry point of the dashboard bundle (scripts/build-dashboard.ts): mounts the shell. */
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('app') ?? document.body);
