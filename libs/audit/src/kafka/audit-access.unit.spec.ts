import { SERVICE_ACCESS } from '@acd/messaging';
import { AUDITED_SOURCES } from './audit-appender';

describe('the audit service’s Kafka rights follow the appender', () => {
  it('reads exactly the audited sources and its own log', () => {
    const sources = AUDITED_SOURCES.map((s) => s.topic);
    expect([...SERVICE_ACCESS.audit.reads].sort()).toEqual([...sources, 'auditLog'].sort());
  });
});
