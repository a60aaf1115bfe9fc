import { useSession } from '../../helpers/session.js';
import { defineFeatureSuite } from './featureSuite.js';

const { session, dir } = useSession();
defineFeatureSuite('embedded', session, dir);
