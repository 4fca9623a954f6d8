import 'reflect-metadata';
import { hello } from '@leaf/contracts';
import { Injectable } from '@nestjs/common';
@Injectable() class A { constructor(public readonly b: Object) {} }
console.log(hello, Reflect.getMetadata('design:paramtypes', A), process.version);
