#!/usr/bin/env node
// The locked dependencies, as CI installs them (see installDependencies for the npm ci fallback).
import { installDependencies } from './lib/bootstrap.mjs';

installDependencies();
