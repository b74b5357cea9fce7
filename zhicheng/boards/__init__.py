"""评审: 评委会 and 学科组, the 专家库, meetings, the draw of members, and the secret-ballot vote.

models.py holds the tables, states.py the vocabularies as data; the services, each checking its
caller's authority (zhicheng.policy) and flushing only: boards.py (评委会, 学科组, experts),
meetings.py (a meeting's life, its materials, attendance, closing), draw.py (抽取 and its replay),
voting.py (回避, ballots, the tally).
"""
