import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DIRECTORY_ENTITIES } from './directory.entities';
import { DirectoryService } from './directory.service';

@Module({ imports: [TypeOrmModule.forFeature(DIRECTORY_ENTITIES)], providers: [DirectoryService], exports: [DirectoryService] })
export class DirectoryModule {}
