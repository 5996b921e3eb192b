#include "servicespane.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "engineclient.h"
#include "servicemodel.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

ServicesPane::ServicesPane(const ConsoleContext &context, QWidget *parent)
    : QWidget(parent)
    , m_ctx(context)
{
    auto *layout = new QVBoxLayout(this);
    m_splitter = new QSplitter(Qt::Horizontal, this);
    layout->addWidget(m_splitter);

    m_view = makeTable(m_splitter);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setModel(m_ctx.services);
    m_view->setColumnWidth(ServiceModel::UniqueNameColumn, 180);
    m_view->setColumnWidth(ServiceModel::SidColumn, 280);
    m_splitter->addWidget(m_view);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ServicesPane::handleCurrentChanged);
    connect(m_ctx.services, &QAbstractItemModel::dataChanged, this, &ServicesPane::handleCurrentChanged);
    connect(m_view, &QWidget::customContextMenuRequested, this, &ServicesPane::showContextMenu);

    auto *formBox = new QGroupBox(tr("Service"), m_splitter);
    auto *formLayout = new QVBoxLayout(formBox);
    auto *form = new QFormLayout;
    m_uniqueName = new QLineEdit(formBox);
    m_uniqueName->setMaxLength(191);
    m_uniqueName->setPlaceholderText(tr("required, unique in the account"));
    m_sid = new QLineEdit(formBox);
    m_sid->setReadOnly(true);
    m_sid->setPlaceholderText(tr("assigned when created"));
    m_defaultTtl = new QSpinBox(formBox);
    m_defaultTtl->setRange(0, 2147483646);
    m_defaultTtl->setSuffix(tr(" s"));
    m_defaultTtl->setSpecialValueText(tr("none (sessions do not time out)"));
    m_defaultTtl->setToolTip(tr("Seconds a session stays open after its last interaction, unless the session sets "
                                "its own Ttl"));
    m_geoMatch = new QComboBox(formBox);
    m_geoMatch->addItems({u"country"_s, u"area-code"_s, u"extended-area-code"_s, u"overlay"_s, u"radius"_s});
    m_numberSelection = new QComboBox(formBox);
    m_numberSelection->addItems({u"prefer-sticky"_s, u"avoid-sticky"_s});
    m_callbackUrl = new QLineEdit(formBox);
    m_callbackUrl->setPlaceholderText(u"https://example.com/proxy/status"_s);
    m_interceptUrl = new QLineEdit(formBox);
    m_interceptUrl->setPlaceholderText(u"https://example.com/proxy/intercept"_s);
    m_outOfSessionUrl = new QLineEdit(formBox);
    m_outOfSessionUrl->setPlaceholderText(u"https://example.com/proxy/out-of-session"_s);
    m_chatInstance = new QLineEdit(formBox);
    m_chatInstance->setPlaceholderText(tr("IS… (optional)"));
    m_mxInsertOne = new QCheckBox(tr("Insert Mexico's mobile '1'"), formBox);
    m_arInsertNine = new QCheckBox(tr("Insert Argentina's '9' for voice"), formBox);
    form->addRow(tr("&Unique name:"), m_uniqueName);
    form->addRow(tr("SID:"), m_sid);
    form->addRow(tr("Default &TTL:"), m_defaultTtl);
    form->addRow(tr("&Geo match level:"), m_geoMatch);
    form->addRow(tr("&Number selection:"), m_numberSelection);
    form->addRow(tr("&Callback URL:"), m_callbackUrl);
    form->addRow(tr("&Intercept callback URL:"), m_interceptUrl);
    form->addRow(tr("&Out-of-session callback URL:"), m_outOfSessionUrl);
    form->addRow(tr("Chat instance SID:"), m_chatInstance);
    form->addRow(QString(), m_mxInsertOne);
    form->addRow(QString(), m_arInsertNine);
    formLayout->addLayout(form);
    m_banner = new MessageBanner(formBox);
    formLayout->addWidget(m_banner);
    auto *buttons = new QHBoxLayout;
    auto *create = new QPushButton(tr("&New service"), formBox);
    m_save = new QPushButton(tr("&Create"), formBox);
    m_save->setDefault(true);
    m_delete = new QPushButton(tr("&Delete…"), formBox);
    buttons->addWidget(create);
    buttons->addStretch();
    buttons->addWidget(m_delete);
    buttons->addWidget(m_save);
    formLayout->addLayout(buttons);
    formLayout->addStretch();
    m_splitter->addWidget(formBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    connect(create, &QPushButton::clicked, this, &ServicesPane::newService);
    connect(m_save, &QPushButton::clicked, this, &ServicesPane::saveService);
    connect(m_delete, &QPushButton::clicked, this, &ServicesPane::deleteService);
    connect(m_uniqueName, &QLineEdit::returnPressed, this, &ServicesPane::saveService);
    loadForm(nullptr);
}

QString ServicesPane::selectedSid() const
{
    return currentSid(m_view);
}

void ServicesPane::saveState(QSettings &settings) const
{
    saveViewState(settings, u"services"_s, m_view);
    saveSplitterState(settings, u"services"_s, m_splitter);
}

void ServicesPane::restoreState(QSettings &settings)
{
    restoreViewState(settings, u"services"_s, m_view);
    restoreSplitterState(settings, u"services"_s, m_splitter);
}

void ServicesPane::handleCurrentChanged()
{
    const QModelIndex current = m_view->currentIndex();
    const Service *s = current.isValid() ? m_ctx.services->rowAt(current.row()) : nullptr;
    if (s && s->sid == m_editingSid && sender() == m_ctx.services) {
        // The row under the form was updated (by this form's Save, the REST API or another node). Show the stored
        // values unless the operator is part-way through an edit: never throw away what they typed.
        if (formSnapshot() == m_loadedSnapshot) {
            loadForm(s);
        } else {
            m_banner->showInfo(tr("%1 was changed elsewhere while you were editing it. Save writes your values over "
                                  "it; select it again to see the stored ones.")
                                   .arg(s->uniqueName));
        }
        return;
    }
    if (sender() == m_ctx.services) {
        return;
    }
    loadForm(s);
}

void ServicesPane::loadForm(const Service *s)
{
    const QString sid = s ? s->sid : QString();
    if (sid != m_editingSid || sid.isEmpty()) {
        m_banner->clearMessage();
    }
    m_editingSid = sid;
    m_uniqueName->setText(s ? s->uniqueName : QString());
    m_sid->setText(s ? s->sid : QString());
    m_defaultTtl->setValue(s ? int(std::min<qint64>(s->defaultTtl, 2147483646)) : 0);
    m_geoMatch->setCurrentText(s ? s->geoMatchLevel : u"country"_s);
    m_numberSelection->setCurrentText(s ? s->numberSelectionBehavior : u"prefer-sticky"_s);
    m_callbackUrl->setText(s ? s->callbackUrl : QString());
    m_interceptUrl->setText(s ? s->interceptCallbackUrl : QString());
    m_outOfSessionUrl->setText(s ? s->outOfSessionCallbackUrl : QString());
    m_chatInstance->setText(s ? s->chatInstanceSid : QString());
    m_mxInsertOne->setChecked(s && s->mxInsertOne);
    m_arInsertNine->setChecked(s && s->arInsertNine);
    m_save->setText(s ? tr("&Save") : tr("&Create"));
    m_delete->setEnabled(s != nullptr);
    m_loadedSnapshot = formSnapshot();
}

QVariantList ServicesPane::formSnapshot() const
{
    return {m_uniqueName->text(),       m_defaultTtl->value(),
            m_geoMatch->currentText(),  m_numberSelection->currentText(),
            m_callbackUrl->text(),      m_interceptUrl->text(),
            m_outOfSessionUrl->text(),  m_chatInstance->text(),
            m_mxInsertOne->isChecked(), m_arInsertNine->isChecked()};
}

ServiceParams ServicesPane::formParams() const
{
    ServiceParams p;
    p.uniqueName = m_uniqueName->text().trimmed();
    p.defaultTtl = m_defaultTtl->value();
    p.geoMatchLevel = m_geoMatch->currentText();
    p.numberSelectionBehavior = m_numberSelection->currentText();
    p.callbackUrl = m_callbackUrl->text().trimmed();
    p.interceptCallbackUrl = m_interceptUrl->text().trimmed();
    p.outOfSessionCallbackUrl = m_outOfSessionUrl->text().trimmed();
    p.chatInstanceSid = m_chatInstance->text().trimmed();
    p.mxInsertOne = m_mxInsertOne->isChecked();
    p.arInsertNine = m_arInsertNine->isChecked();
    return p;
}

void ServicesPane::newService()
{
    m_view->selectionModel()->clearSelection();
    m_view->setCurrentIndex({});
    loadForm(nullptr);
    m_uniqueName->setFocus();
}

void ServicesPane::saveService()
{
    m_banner->clearMessage();
    const ServiceParams params = formParams();
    if (m_editingSid.isEmpty()) {
        m_ctx.engine->createService(params, this, [this](Result<Service> r) {
            if (!r) {
                m_banner->showError(EngineClient::describe(r.error()));
                return;
            }
            m_editingSid = r->sid;
            m_banner->showInfo(tr("Created %1 (%2).").arg(r->uniqueName, r->sid));
            selectService(r->sid);
        });
        return;
    }
    m_ctx.engine->updateService(m_editingSid, params, this, [this, saved = formSnapshot()](Result<Service> r) {
        if (!r) {
            m_banner->showError(EngineClient::describe(r.error()));
            return;
        }
        m_loadedSnapshot = saved; // what was saved is what is stored: the form is clean again
        m_banner->showInfo(tr("Saved %1.").arg(r->uniqueName));
    });
}

void ServicesPane::deleteService()
{
    if (m_editingSid.isEmpty()) {
        return;
    }
    const QString sid = m_editingSid;
    const QString name = m_uniqueName->text();
    m_banner->clearMessage();
    // Count first, so the question says what the deletion ends.
    m_ctx.services->countActiveSessions(sid, this, [this, sid, name](Result<qint64> active) {
        if (m_editingSid != sid) {
            return; // the operator moved on while the count was read
        }
        const QString ends = !active ? tr("Its active sessions end with it.")
                             : *active == 0
                                 ? tr("It has no active session.")
                                 : tr("It ends %n active session(s): their participants stop reaching each other "
                                      "at once.",
                                      "", int(*active));
        confirmDelete(sid, name, ends);
    });
}

void ServicesPane::confirmDelete(const QString &sid, const QString &name, const QString &ends)
{
    const auto answer = QMessageBox::question(
        this, tr("Delete service"),
        tr("Delete the service %1 (%2)?\n\n%3\n\nIts numbers go back to no pool, and every session, participant "
           "and interaction in it is deleted. This cannot be undone.")
            .arg(name, sid, ends),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) {
        return;
    }
    m_ctx.engine->deleteService(sid, this, [this, name](Status st) {
        if (!st) {
            m_banner->showError(EngineClient::describe(st.error()));
            return;
        }
        loadForm(nullptr);
        m_banner->showInfo(tr("Deleted %1.").arg(name));
    });
}

void ServicesPane::selectService(const QString &sid)
{
    const QModelIndex i = m_ctx.services->indexOfSid(sid);
    if (i.isValid()) {
        m_view->setCurrentIndex(i);
        m_view->selectRow(i.row());
        return;
    }
    // Not loaded yet (the change is still being re-read): select it when it arrives.
    auto *conn = new QMetaObject::Connection;
    *conn = connect(m_ctx.services, &QAbstractItemModel::rowsInserted, this, [this, sid, conn]() {
        const QModelIndex found = m_ctx.services->indexOfSid(sid);
        if (found.isValid()) {
            disconnect(*conn);
            delete conn;
            m_view->setCurrentIndex(found);
            m_view->selectRow(found.row());
        }
    });
}

void ServicesPane::showContextMenu(const QPoint &pos)
{
    const QModelIndex i = m_view->indexAt(pos);
    QMenu menu(this);
    if (i.isValid()) {
        const QString sid = i.siblingAtColumn(0).data(SidRole).toString();
        menu.addAction(tr("Copy SID"), this, [sid]() { QApplication::clipboard()->setText(sid); });
        menu.addAction(tr("Delete…"), this, &ServicesPane::deleteService);
        menu.addSeparator();
    }
    menu.addAction(tr("New service"), this, &ServicesPane::newService);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace Maskline
