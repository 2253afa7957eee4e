/** The station's file pipeline (watch → settle → convert → queue → post-action). */
export { createFilePipeline } from './file-pipeline.js';
export type { FileConvertedEvent, FileFailedEvent, FilePipeline, FilePipelineOptions } from './file-pipeline.js';
export type { FileErrorInfo } from '../files/post-action.js';
