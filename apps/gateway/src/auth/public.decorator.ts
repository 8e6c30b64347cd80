import { SetMetadata } from '@nestjs/common';
import { PUBLIC } from './bearer-auth.guard';

export const Public = () => SetMetadata(PUBLIC, true);
