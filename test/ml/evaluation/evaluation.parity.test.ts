import { useSession } from '../../helpers/session.js';
import { defineEvaluationSuite } from './evaluationSuite.js';

const { session } = useSession();
defineEvaluationSuite('embedded', session);
