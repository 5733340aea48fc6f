/** Every migration, in order. Listed explicitly so the app, the CLI and jest load the same classes whatever the file extension. */
import { CreateCoreSchema1764777600000 } from './1764777600000-CreateCoreSchema';
import { CreateTokenRevocations1764864000000 } from './1764864000000-CreateTokenRevocations';
import { AuditQueryIndexes1764950400000 } from './1764950400000-AuditQueryIndexes';
import { KeyLifecycle1764950500000 } from './1764950500000-KeyLifecycle';
import { SigningKeyActivation1765036800000 } from './1765036800000-SigningKeyActivation';
import { KeyChangeNotify1765123200000 } from './1765123200000-KeyChangeNotify';
import { AuditFailureIndex1765209600000 } from './1765209600000-AuditFailureIndex';
import { AuditAppendFunction1765296000000 } from './1765296000000-AuditAppendFunction';
import { DropAuditJtiIndex1765382400000 } from './1765382400000-DropAuditJtiIndex';

export const migrations = [CreateCoreSchema1764777600000, CreateTokenRevocations1764864000000, AuditQueryIndexes1764950400000, KeyLifecycle1764950500000, SigningKeyActivation1765036800000, KeyChangeNotify1765123200000, AuditFailureIndex1765209600000, AuditAppendFunction1765296000000, DropAuditJtiIndex1765382400000];
