import type { CustomTransportStrategy } from '@nestjs/microservices';
import { CommandProcessor, type BoundedContext, type Message } from '@acd/messaging';
import { createLogger } from './logger';
import { openRuntime, type Runtime } from './runtime';

/**
 * Hosts a context's command processor as a Nest microservice. Nest's stock Kafka transport
 * handles one message at a time without transactions; the bus needs whole batches decided
 * and written atomically with their offsets, so the transport is our own.
 */
export class TransactionalCommandTransport<
  C extends Message,
  E extends Message,
  S,
> implements CustomTransportStrategy {
  private runtime?: Runtime;
  private processor?: CommandProcessor<C, E, S>;
  private readonly logger;

  constructor(private readonly context: BoundedContext<C, E, S>) {
    this.logger = createLogger(`${context.name}-processor`);
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      this.runtime = await openRuntime(`${this.context.name}-processor`);
      this.processor = new CommandProcessor(
        this.runtime.kafka,
        this.runtime.topics,
        this.runtime.codec,
        this.context,
        {
          instanceId: this.runtime.kafkaConfig.ACD_INSTANCE_ID,
          logger: this.logger,
        },
      );
      await this.processor.start();
      this.logger.info('command processor running', {
        context: this.context.name,
        group: this.processor.groupId,
      });
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    await this.processor?.stop();
    await this.runtime?.close();
  }
}
