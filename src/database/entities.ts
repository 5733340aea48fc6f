import { AuditEventEntity } from '../audit/audit-event.entity';
import { ApiKeySecretEntity } from '../keys/api-key-secret.entity';
import { ApiKeyEntity } from '../keys/api-key.entity';
import { SigningKeyEntity } from '../tokens/signing-key.entity';

export const ENTITIES = [ApiKeyEntity, ApiKeySecretEntity, SigningKeyEntity, AuditEventEntity];
