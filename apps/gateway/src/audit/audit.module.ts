import { Global, Module } from '@nestjs/common';
import { AuditStore } from '@acd/audit';
import { type Runtime } from '@acd/runtime';
import { RUNTIME } from '../bus/bus.module';
import { AuditController } from './audit.controller';
import { AuditTrail } from './audit-trail.service';

/** The commission's audit API, and the read trail every read path records to. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditTrail,
    { provide: AuditStore, inject: [RUNTIME], useFactory: (rt: Runtime) => new AuditStore(rt.db) },
  ],
  exports: [AuditTrail, AuditStore],
})
export class AuditModule {}
