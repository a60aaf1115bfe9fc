import { useSession } from '../helpers/session.js';
import { defineOperatorSuite } from '../parity/operatorSuite.js';

const { session, dir } = useSession();
defineOperatorSuite('embedded', session, dir);
