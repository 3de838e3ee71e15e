"""MBG/NBD: the modified BG/NBD model.

Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). Empirical validation and comparison of
models for customer base analysis. *International Journal of Research in Marketing* 24(3),
201-209.

The only change from BG/NBD (:mod:`custseg.models.bgnbd`): a customer may also drop out right
after the *first* purchase (time 0), with the same probability ``p ~ Beta(a, b)``. A one-time
buyer therefore has P(alive) < 1, which fixes BG/NBD's P(alive) = 1 for customers with
``x = 0``. In the notation of :mod:`custseg.models.bgnbd` this is ``shift = 1``:

    L(r, alpha, a, b | x, t_x, T) = Gamma(r + x) alpha^r / Gamma(r) * B(a, b + x + 1) / B(a, b)
        * [ (alpha + T)^-(r+x) + a / (b + x) * (alpha + t_x)^-(r+x) ]       (their likelihood)

    P(alive | x, t_x, T) = 1 / (1 + a / (b + x) ((alpha + T)/(alpha + t_x))^(r + x))
    E[Y(t) | x, t_x, T] = P(alive) (a + b + x)/(a - 1)
        [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r + x, b + x + 1; a + b + x; t/(alpha+T+t))]
    P(no purchase in (T, T+t] | ...) = 1 - P(alive) + P(alive) ((alpha+T)/(alpha+T+t))^(r+x)
    E[X(t)] = b/(a - 1) [1 - (alpha/(alpha+t))^r 2F1(r, b + 1; a + b; t/(alpha+t))]

The unconditional E[X(t)] was derived here from the model's story (``E[X(t) | lam, p] =
(1 - p)/p (1 - exp(-lam p t))``, then Euler's integral and Pfaff's transformation); it has the
right slope at 0, ``E[lam] E[1 - p] = r b / (alpha (a + b))``, and the tests check it against
simulation. (Some software prints a ``(b + 1)/(a - 1)`` prefactor, which does not.)
"""

from __future__ import annotations

from custseg.models.bgnbd import _BetaGeoFamily


class ModifiedBetaGeo(_BetaGeoFamily):
    """MBG/NBD model of repeat purchasing (Batislam, Denizel & Filiztekin 2007).

    Same parameters, attributes and methods as :class:`~custseg.models.BetaGeo`
    (``params_`` has ``r``, ``alpha``, ``a``, ``b``), but customers can drop out at time 0, so
    P(alive) of a one-time buyer decreases with their age ``T``.

    References
    ----------
    Batislam, Denizel & Filiztekin (2007), IJRM 24(3), 201-209.
    """

    _shift = 1
