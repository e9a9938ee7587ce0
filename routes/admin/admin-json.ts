import type express from 'express';
import type { RequestHandler } from 'express';
import { param } from 'express-validator';

/** A handler that answers with the JSON its one service call resolves to. */
export const json =
  (fn: (req: express.Request) => Promise<unknown>): RequestHandler =>
  async (req, res) => {
    res.json(await fn(req));
  };

export const targetParam = param('target')
  .isString()
  .isLength({ min: 1, max: 64 })
  .withMessage('must be a target name');

/** The `:target` path parameter. */
export const targetName = (req: express.Request) => String(req.params.target);
