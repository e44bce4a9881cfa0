// The page's entry: send the sign-in query first, then load the app (React and the panels) beside it. The styles
// come with the entry, so the page is styled from its first paint.
import { startSignIn } from './session';
import './styles.css';

startSignIn();
void import('./main');
